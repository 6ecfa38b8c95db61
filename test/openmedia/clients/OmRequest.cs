// The public client Fidde73/omrequest (OMInterfaceSM/om.vb, a DLL that creates Open Media requests from Script
// Manager) translated line for line from VB.NET to C#, since Debian's Mono has no VB.NET compiler; its proxy is
// regenerated from the same WSDL by Mono's `wsdl` tool, the generator behind Visual Studio's "Add Web Reference"
// (a SoapHttpClientProtocol, as the project's Reference.vb). Main runs it against the URL given, as its test
// application does, then reads the request back through the same proxy and provokes a typed fault.
using System;
using System.Web.Services.Protocols;

public class om
{
    public string AddRequest(string URL, int ServiceGroupID, string IVRLabel, string IVRData)
    {
        try
        {
            string[] aLabel = IVRLabel.Split('|');
            string[] aData = IVRData.Split('|');
            OpenMedia.OpenMediaService om = new OpenMedia.OpenMediaService();
            om.Url = URL;
            OpenMedia.AddOpenMediaRequest add = new OpenMedia.AddOpenMediaRequest();
            OpenMedia.IVRInformation[] ivr = new OpenMedia.IVRInformation[aLabel.Length];
            add.ServiceGroupID = ServiceGroupID;
            for (int ix = 0; ix <= aLabel.Length - 1; ix++)
            {
                ivr[ix] = new OpenMedia.IVRInformation();
                ivr[ix].Label = aLabel[ix];
                ivr[ix].Data = aData[ix];
            }
            add.IVRInfo = ivr;
            add.ServiceGroupIDSpecified = true;
            OpenMedia.AddOpenMediaResponse status = om.AddRequest(add);
            if (status.RequestStatus == 0)
                return "ok";
            else
                return "Error: " + status.RequestStatus.ToString();
        }
        catch (Exception ex)
        {
            return "Error: " + ex.Message;
        }
    }

    public static int Main(string[] args)
    {
        string url = args[0];
        Console.WriteLine(new om().AddRequest(url, 10, "Ticket|Customer", "T-1|ACME Oy"));
        Console.WriteLine(new om().AddRequest(url, 77, "Ticket", "T-2"));
        OpenMedia.OpenMediaService svc = new OpenMedia.OpenMediaService();
        svc.Url = url;
        OpenMedia.GetOpenMediaResponse st = svc.GetOpenMediaRequestStatusByID(1, true);
        OpenMedia.OpenMediaRequest r = st.OpenMediaRequests[0];
        Console.WriteLine("status " + r.Status + " " + r.LogonID + " " + r.AgentID + " " + r.ServiceGroupID);
        OpenMedia.GetOpenMediaResponse later = svc.GetOpenMediaRequestsByTime(st.TimeStamp, true);
        Console.WriteLine("later " + later.OpenMediaRequests.Length);
        try
        {
            svc.GetOpenMediaRequestStatusByID(424242, true);
            Console.WriteLine("fault none");
        }
        catch (SoapException e)
        {
            Console.WriteLine("fault " + e.Detail.FirstChild.LocalName);
        }
        return 0;
    }
}
